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
import { SettingsTab } from './settings-tab';
import { useAuth } from '../auth/auth-context';

const TABS = ['rates', 'arrears', 'limits', 'ladder', 'followup', 'bulletins', 'settings'] as const;

/** 欠费回收与保存量: one page, seven tabs (settings only for those who may change them) (kept in ?tab=; the county stays in ?county= across tabs). */
export function CollectionsPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const { can } = useAuth();
  const tabs = TABS.filter((k) => k !== 'settings' || can('settings:write') || can('collections:write'));
  const tab = tabs.find((x) => x === params.get('tab')) ?? 'rates';
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
    settings: <SettingsTab />,
  };
  return (
    <>
      <Typography.Title level={3}>{t('coll.title')}</Typography.Title>
      <Tabs
        data-testid="coll-tabs"
        activeKey={tab}
        onChange={switchTab}
        destroyOnHidden
        items={tabs.map((k) => ({
          key: k,
          label: <span data-testid={`coll-tab-${k}`}>{t(`coll.tabs.${k}`)}</span>,
          children: panes[k],
        }))}
      />
    </>
  );
}
