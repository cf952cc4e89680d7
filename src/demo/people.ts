/** Fake but well-formed personal data: Chinese names, 18-digit ID numbers, 11-digit mobile numbers. */
import type { Rng } from './random.js';

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'.split(
    '',
  );
const GIVEN =
  '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉鹏飞云燕林志宇浩凯瑞欣怡晨嘉子轩涵梓睿博雨婷雪琳佳俊峰斌海波亮春梅丹晓东宏晶'.split(
    '',
  );

export function chineseName(rng: Rng): string {
  const given = rng.chance(0.6) ? rng.pick(GIVEN) + rng.pick(GIVEN) : rng.pick(GIVEN);
  return rng.pick(SURNAMES) + given;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** GB 11643 check character (ISO 7064 MOD 11-2) of the first 17 digits. */
export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (ID_WEIGHTS[i] ?? 0);
  return ID_CHECK[sum % 11] ?? '0';
}

/** An 18-digit resident ID with a plausible region, birth date and a valid check character. */
export function idNumber(rng: Rng, countyIndex: number): string {
  const region = `4301${String(countyIndex + 2).padStart(2, '0')}`;
  const y = rng.int(1950, 2005);
  const m = rng.int(1, 12);
  const d = rng.int(1, 28);
  const seq = String(rng.int(0, 999)).padStart(3, '0');
  const first17 = `${region}${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}${seq}`;
  return first17 + idCheckChar(first17);
}

const MOBILE_PREFIXES = ['133', '135', '138', '139', '150', '153', '158', '177', '180', '186', '189', '199'];

export function mobileNumber(rng: Rng): string {
  return rng.pick(MOBILE_PREFIXES) + String(rng.int(0, 99_999_999)).padStart(8, '0');
}
