import { Button } from 'antd';
import { GlobalOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { currentLang, setLanguage } from '../i18n';

/** One button that switches between the two UI languages; the label names the language it switches to. */
export function LanguageSwitch() {
  const { t } = useTranslation();
  const next = currentLang() === 'zh-CN' ? 'en-US' : 'zh-CN';
  return (
    <Button
      size="small"
      icon={<GlobalOutlined />}
      data-testid="language-switch"
      data-lang={currentLang()}
      aria-label={t('shell.language')}
      lang={next}
      onClick={() => void setLanguage(next)}
    >
      {next === 'en-US' ? 'English' : '中文'}
    </Button>
  );
}
