import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import zhCN from './zh-CN.json';
import enUS from './en-US.json';

export type Lang = 'zh-CN' | 'en-US';
export const LANGS: readonly Lang[] = ['zh-CN', 'en-US'];
const STORAGE_KEY = 'marketops.lang';

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'zh-CN' || saved === 'en-US') return saved;
  } catch {
    // storage may be unavailable (private mode); fall back to the default
  }
  return 'zh-CN';
}

const applyDayjsLocale = (lang: Lang): void => {
  dayjs.locale(lang === 'zh-CN' ? 'zh-cn' : 'en');
};

const lang = initialLang();
applyDayjsLocale(lang);
document.documentElement.lang = lang;

void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN }, 'en-US': { translation: enUS } },
  lng: lang,
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false },
  returnNull: false,
});

export async function setLanguage(next: Lang): Promise<void> {
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // not persisted; the switch still applies to this tab
  }
  applyDayjsLocale(next);
  document.documentElement.lang = next;
  await i18n.changeLanguage(next);
}

export const currentLang = (): Lang => (i18n.language === 'en-US' ? 'en-US' : 'zh-CN');

/** Pick the zh or en variant of a bilingual server field. */
export const pickLang = (
  zh: string | null | undefined,
  en: string | null | undefined,
  lang: string,
): string => (lang.startsWith('en') ? en || zh : zh || en) ?? '';

export { i18n };
