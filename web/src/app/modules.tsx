import type { ReactNode } from 'react';
import {
  AppstoreOutlined,
  AuditOutlined,
  BarChartOutlined,
  CloudUploadOutlined,
  DashboardOutlined,
  FileSearchOutlined,
  HistoryOutlined,
  MoneyCollectOutlined,
  RiseOutlined,
  ScheduleOutlined,
  SettingOutlined,
  ShopOutlined,
  TeamOutlined,
  TrophyOutlined,
  UserOutlined,
} from '@ant-design/icons';

/** One sidebar entry; `children` make a sub-menu. The permission hides the entry and guards the route. */
export type ModuleDef = {
  key: string;
  path: string;
  labelKey: string;
  icon: ReactNode;
  permission: string;
  children?: ModuleDef[];
};

export const MODULES: ModuleDef[] = [
  {
    key: 'dashboard',
    path: '/dashboard',
    labelKey: 'nav.dashboard',
    icon: <DashboardOutlined />,
    permission: 'metrics:read',
  },
  {
    key: 'plans',
    path: '/plans',
    labelKey: 'nav.plans',
    icon: <ScheduleOutlined />,
    permission: 'plans:read',
  },
  {
    key: 'collections',
    path: '/collections',
    labelKey: 'nav.collections',
    icon: <MoneyCollectOutlined />,
    permission: 'collections:read',
  },
  { key: 'audit', path: '/audit', labelKey: 'nav.audit', icon: <AuditOutlined />, permission: 'data:read' },
  {
    key: 'materials',
    path: '/materials',
    labelKey: 'nav.materials',
    icon: <AppstoreOutlined />,
    permission: 'data:read',
  },
  {
    key: 'scorecards',
    path: '/scorecards',
    labelKey: 'nav.scorecards',
    icon: <TrophyOutlined />,
    permission: 'metrics:read',
  },
  {
    key: 'marketing',
    path: '/marketing',
    labelKey: 'nav.marketing',
    icon: <RiseOutlined />,
    permission: 'metrics:read',
  },
  {
    key: 'imports',
    path: '/imports',
    labelKey: 'nav.imports',
    icon: <CloudUploadOutlined />,
    permission: 'import:read',
  },
  {
    key: 'subscribers',
    path: '/subscribers',
    labelKey: 'nav.subscribers',
    icon: <UserOutlined />,
    permission: 'data:read',
  },
  {
    key: 'explorer',
    path: '/explorer',
    labelKey: 'nav.explorer',
    icon: <BarChartOutlined />,
    permission: 'metrics:read',
  },
  {
    key: 'admin',
    path: '/admin',
    labelKey: 'nav.admin',
    icon: <SettingOutlined />,
    permission: 'session',
    children: [
      {
        key: 'admin-users',
        path: '/admin/users',
        labelKey: 'nav.users',
        icon: <TeamOutlined />,
        permission: 'users:admin',
      },
      {
        key: 'admin-audit',
        path: '/admin/audit',
        labelKey: 'nav.auditTrail',
        icon: <HistoryOutlined />,
        permission: 'audit:read',
      },
    ],
  },
];

/** Icons reused by pages outside the menu. */
export const PAGE_ICONS = { search: <FileSearchOutlined />, shop: <ShopOutlined /> };

/** The module trail for a path, outermost first (for breadcrumbs and the selected menu key). */
export function moduleTrail(pathname: string): ModuleDef[] {
  for (const m of MODULES) {
    if (m.children) {
      const child = m.children.find((c) => pathname === c.path || pathname.startsWith(`${c.path}/`));
      if (child) return [m, child];
    } else if (pathname === m.path || pathname.startsWith(`${m.path}/`)) {
      return [m];
    }
  }
  return [];
}
