import { Tabs, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import './i18n';
import { ProgressTab } from './progress-tab';
import { VersionsTab } from './versions-tab';
import { RankTab, ReviewTab } from './rank-review-tabs';

const TABS = ['progress', 'versions', 'rank', 'review'] as const;

/** Plans and schedule progress (计划与形象进度): one page, four tabs (kept in ?tab=). */
export function PlansPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const tab = TABS.find((x) => x === params.get('tab')) ?? 'progress';
  return (
    <>
      <Typography.Title level={3}>{t('plans.title')}</Typography.Title>
      <Tabs
        activeKey={tab}
        onChange={(k) => {
          // keep the other tabs' state (metric, date) in the URL
          const next = new URLSearchParams(params);
          next.set('tab', k);
          setParams(next);
        }}
        destroyOnHidden
        items={[
          { key: 'progress', label: t('plans.tabs.progress'), children: <ProgressTab /> },
          { key: 'versions', label: t('plans.tabs.versions'), children: <VersionsTab /> },
          { key: 'rank', label: t('plans.tabs.rank'), children: <RankTab /> },
          { key: 'review', label: t('plans.tabs.review'), children: <ReviewTab /> },
        ]}
      />
    </>
  );
}
