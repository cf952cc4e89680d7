import { Button, Result } from 'antd';
import { ToolOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';

/** A module that is not built yet says so plainly; it never shows invented figures. */
export function ComingSoon({ titleKey }: { titleKey: string }) {
  const { t } = useTranslation();
  return (
    <Result
      icon={<ToolOutlined />}
      title={`${t(titleKey)} · ${t('status.comingSoon')}`}
      subTitle={t('status.comingSoonHint')}
      data-testid="coming-soon"
      extra={
        <Link to="/dashboard">
          <Button type="primary">{t('status.backHome')}</Button>
        </Link>
      }
    />
  );
}

export function ForbiddenPage() {
  const { t } = useTranslation();
  return <Result status="403" title="403" subTitle={t('status.forbidden')} data-testid="forbidden" />;
}

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <Result
      status="404"
      title="404"
      subTitle={t('status.notFound')}
      extra={
        <Link to="/dashboard">
          <Button type="primary">{t('status.backHome')}</Button>
        </Link>
      }
    />
  );
}
