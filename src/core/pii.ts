/**
 * Personal data is masked wherever it leaves the server, unless a role allowed to reveal asks for one
 * record (and that reveal is audited). Masking works on code points, so Chinese names mask per character.
 */

/** 张三 → 张*, 张三明 → 张*明, 欧阳娜娜 → 欧**娜; a one-character name becomes '*'. */
export function maskName(s: string | null): string | null {
  if (s === null) return null;
  const chars = Array.from(s.trim());
  if (chars.length === 0) return '';
  if (chars.length === 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/** Keep the first `head` and last `tail` characters; too short to keep anything → all stars. */
function maskMiddle(s: string, head: number, tail: number): string {
  const chars = Array.from(s.trim());
  if (chars.length <= head + tail) return '*'.repeat(chars.length);
  return `${chars.slice(0, head).join('')}${'*'.repeat(chars.length - head - tail)}${chars.slice(-tail).join('')}`;
}

/** 110101199001011234 → 110***********1234 (region prefix and last four kept). */
export function maskIdNumber(s: string | null): string | null {
  if (s === null) return null;
  return maskMiddle(s, 3, 4);
}

/** 13812345678 → 138****5678; a shorter (landline) number keeps only its last four digits. */
export function maskPhone(s: string | null): string | null {
  if (s === null) return null;
  const n = Array.from(s.trim()).length;
  if (n >= 11) return maskMiddle(s, 3, 4);
  return maskMiddle(s, 0, 4);
}
