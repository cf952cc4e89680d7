import { Tabs, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import './i18n';
import './collections.css';
import { RatesTab } from './rates-tab';
import { ArrearsTab } from './arrears-tab';
import { LimitsTab } from './limits-tab';
import { LadderTab } from './ladder-tab';
import { FollowupTab } from './followup-tab';
import { BulletinsTab } from './bulletins-tab';

const TABS = ['rates', 'arrears', 'limits', 'ladder', 'followup', 'bulletins'] as const;

/** 欠费回收与保存量: one page, six tabs (kept in ?tab=; the county stays in ?county= across tabs). */
export function CollectionsPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const tab = TABS.find((x) => x === params.get('tab')) ?? 'rates';
  const switchTab = (k: string) => {
    const next = new URLSearchParams();
    next.set('tab', k);
    const county = params.get('county');
    if (county) next.set('county', county);
    setParams(next);
  };
  const panes = {
    rates: <RatesTab />,
    arrears: <ArrearsTab />,
    limits: <LimitsTab />,
    ladder: <LadderTab />,
    followup: <FollowupTab />,
    bulletins: <BulletinsTab />,
  };
  return (
    <>
      <Typography.Title level={3}>{t('coll.title')}</Typography.Title>
      <Tabs
        data-testid="coll-tabs"
        activeKey={tab}
        onChange={switchTab}
        destroyOnHidden
        items={TABS.map((k) => ({
          key: k,
          label: <span data-testid={`coll-tab-${k}`}>{t(`coll.tabs.${k}`)}</span>,
          children: panes[k],
        }))}
      />
    </>
  );
}
