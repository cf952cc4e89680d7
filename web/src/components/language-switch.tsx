import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { currentLang, setLanguage, type Lang } from '../i18n';

export function LanguageSwitch() {
  const { t } = useTranslation();
  return (
    <Select<Lang>
      data-testid="language-switch"
      aria-label={t('shell.language')}
      size="small"
      value={currentLang()}
      onChange={(lang) => void setLanguage(lang)}
      options={[
        { value: 'zh-CN', label: '中文' },
        { value: 'en-US', label: 'English' },
      ]}
      style={{ width: 100 }}
    />
  );
}
