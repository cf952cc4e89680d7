import { useMemo, useState } from 'react';
import {
  Breadcrumb,
  Button,
  Grid,
  Layout,
  Menu,
  Space,
  Tag,
  Tooltip,
  Typography,
  type MenuProps,
} from 'antd';
import { KeyOutlined, LogoutOutlined, MenuFoldOutlined, MenuUnfoldOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { useAuth, useSession } from '../features/auth/auth-context';
import { LanguageSwitch } from '../components/language-switch';
import { MODULES, moduleTrail, type ModuleDef } from './modules';
import { useReference } from './reference-context';

const { Header, Sider, Content } = Layout;

export function AppLayout() {
  const { t } = useTranslation();
  const session = useSession();
  const { can, logout } = useAuth();
  const { keyLabel } = useReference();
  const location = useLocation();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const [collapsed, setCollapsed] = useState<boolean | null>(null);
  // Collapsed by default below the lg breakpoint (tablets), until the user chooses otherwise.
  const isCollapsed = collapsed ?? !screens.lg;

  const items = useMemo<MenuProps['items']>(() => {
    const toItem = (m: ModuleDef): NonNullable<MenuProps['items']>[number] | null => {
      if (m.children) {
        const kids = m.children.filter((c) => can(c.permission)).map(toItem);
        if (kids.length === 0) return null;
        return { key: m.key, icon: m.icon, label: t(m.labelKey), children: kids };
      }
      if (!can(m.permission)) return null;
      return { key: m.key, icon: m.icon, label: <Link to={m.path}>{t(m.labelKey)}</Link> };
    };
    return MODULES.map(toItem).filter((x) => x !== null);
  }, [can, t]);

  const trail = moduleTrail(location.pathname);
  const selected = trail.length > 0 ? [trail[trail.length - 1]!.key] : [];
  const extra = location.pathname
    .split('/')
    .slice(trail.length > 1 ? 3 : 2)
    .filter(Boolean);

  const crumbs = [
    { title: <Link to="/dashboard">{t('app.home')}</Link> },
    ...trail.map((m, i) => ({
      title:
        i === trail.length - 1 && extra.length === 0 ? (
          t(m.labelKey)
        ) : m.children ? (
          t(m.labelKey)
        ) : (
          <Link to={m.path}>{t(m.labelKey)}</Link>
        ),
    })),
    ...extra.map((segment) => ({ title: decodeURIComponent(segment) })),
  ];

  const user = session.user;
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Sider
        collapsible
        collapsed={isCollapsed}
        onCollapse={(c) => setCollapsed(c)}
        breakpoint="lg"
        trigger={null}
        width={208}
        collapsedWidth={screens.md ? 64 : 0}
        theme="dark"
        aria-label={t('shell.navigation')}
      >
        <div className="brand" title={t('app.name')}>
          {isCollapsed ? 'MO' : t('app.name')}
        </div>
        <Menu
          theme="dark"
          mode="inline"
          selectedKeys={selected}
          defaultOpenKeys={trail.length > 1 ? [trail[0]!.key] : []}
          items={items}
          data-testid="main-menu"
        />
      </Sider>
      <Layout>
        <Header className="app-header">
          <Button
            type="text"
            aria-label={isCollapsed ? t('shell.expandMenu') : t('shell.collapseMenu')}
            icon={isCollapsed ? <MenuUnfoldOutlined /> : <MenuFoldOutlined />}
            onClick={() => setCollapsed(!isCollapsed)}
          />
          <Space size="small" wrap style={{ marginLeft: 'auto' }}>
            <Typography.Text strong data-testid="current-user">
              {user.displayName || user.username}
            </Typography.Text>
            <Tag color="blue" data-testid="current-role">
              {t(`roles.${user.role}`)}
              {user.role === 'auditor' && user.auditorLevel ? ` L${user.auditorLevel}` : ''}
            </Tag>
            <Tag data-testid="current-scope">
              {user.county ? keyLabel('county', user.county) : t('shell.allCounties')}
            </Tag>
            <LanguageSwitch />
            <Tooltip title={t('password.title')}>
              <Button
                type="text"
                aria-label={t('password.title')}
                icon={<KeyOutlined />}
                onClick={() => void navigate('/change-password')}
              />
            </Tooltip>
            <Button
              type="text"
              icon={<LogoutOutlined />}
              onClick={() => void logout().then(() => navigate('/login'))}
              data-testid="logout"
              aria-label={t('shell.logout')}
            >
              {screens.md ? t('shell.logout') : null}
            </Button>
          </Space>
        </Header>
        <Content className="app-content">
          <Breadcrumb items={crumbs} style={{ marginBottom: 12 }} />
          <Outlet />
        </Content>
      </Layout>
    </Layout>
  );
}
