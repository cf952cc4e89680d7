import { lazy, Suspense, type ComponentType, type ReactNode } from 'react';
import { App as AntApp, ConfigProvider, Spin } from 'antd';
import zhCN from 'antd/es/locale/zh_CN';
import enUS from 'antd/es/locale/en_US';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { AuthProvider, useAuth } from '../features/auth/auth-context';
import { LoginPage } from '../features/auth/login-page';
import { ChangePasswordPage } from '../features/auth/change-password-page';
import { ComingSoon, ForbiddenPage, NotFoundPage } from '../components/status-pages';
import { AppLayout } from './app-layout';
import { ReferenceProvider } from './reference-context';

const named = <K extends string>(loader: () => Promise<Record<K, ComponentType>>, name: K) =>
  lazy(() => loader().then((m) => ({ default: m[name] })));

const DashboardPage = named(() => import('../features/dashboard/dashboard-page'), 'DashboardPage');
const ExplorerPage = named(() => import('../features/metrics/explorer-page'), 'ExplorerPage');
const SubscriberSearchPage = named(
  () => import('../features/subscribers/subscriber-search-page'),
  'SubscriberSearchPage',
);
const SubscriberDetailPage = named(
  () => import('../features/subscribers/subscriber-detail-page'),
  'SubscriberDetailPage',
);
const ImportPage = named(() => import('../features/imports/import-page'), 'ImportPage');
const UsersPage = named(() => import('../features/admin/users-page'), 'UsersPage');
const AuditTrailPage = named(() => import('../features/admin/audit-trail-page'), 'AuditTrailPage');
const PlansPage = named(() => import('../features/plans/plans-page'), 'PlansPage');
const CollectionsPage = named(() => import('../features/collections/collections-page'), 'CollectionsPage');

const PageSpin = () => (
  <div className="page-spin">
    <Spin size="large" />
  </div>
);

function RequireSession({ children }: { children: ReactNode }) {
  const { session, can } = useAuth();
  const location = useLocation();
  if (session === undefined) return <PageSpin />;
  if (session === null)
    return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  if (session.user.mustChangePassword) return <Navigate to="/change-password" replace />;
  return <ReferenceProvider canMetrics={can('metrics:read')}>{children}</ReferenceProvider>;
}

function Guard({ permission, children }: { permission: string; children: ReactNode }) {
  const { can } = useAuth();
  if (!can(permission)) return <ForbiddenPage />;
  return <Suspense fallback={<PageSpin />}>{children}</Suspense>;
}

/** Home: the dashboard for those who may read metrics, otherwise the first page they can use. */
function Home() {
  const { can } = useAuth();
  if (can('metrics:read')) return <Navigate to="/dashboard" replace />;
  if (can('import:read')) return <Navigate to="/imports" replace />;
  if (can('users:admin')) return <Navigate to="/admin/users" replace />;
  return <ForbiddenPage />;
}

function SignedOutOnly({ children }: { children: ReactNode }) {
  const { session } = useAuth();
  if (session === undefined) return <PageSpin />;
  if (session && !session.user.mustChangePassword) return <Navigate to="/" replace />;
  return children;
}

function PasswordRoute() {
  const { session } = useAuth();
  if (session === undefined) return <PageSpin />;
  if (session === null) return <Navigate to="/login" replace />;
  return <ChangePasswordPage />;
}

function AppRoutes() {
  return (
    <Routes>
      <Route
        path="/login"
        element={
          <SignedOutOnly>
            <LoginPage />
          </SignedOutOnly>
        }
      />
      <Route path="/change-password" element={<PasswordRoute />} />
      <Route
        element={
          <RequireSession>
            <AppLayout />
          </RequireSession>
        }
      >
        <Route index element={<Home />} />
        <Route
          path="dashboard"
          element={
            <Guard permission="metrics:read">
              <DashboardPage />
            </Guard>
          }
        />
        {/* Plans module: owned by the plans engineer (web/src/features/plans); replace this element. */}
        <Route
          path="plans/*"
          element={
            <Guard permission="plans:read">
              <PlansPage />
            </Guard>
          }
        />
        <Route
          path="collections/*"
          element={
            <Guard permission="collections:read">
              <CollectionsPage />
            </Guard>
          }
        />
        <Route
          path="audit/*"
          element={
            <Guard permission="data:read">
              <ComingSoon titleKey="nav.audit" />
            </Guard>
          }
        />
        <Route
          path="materials/*"
          element={
            <Guard permission="data:read">
              <ComingSoon titleKey="nav.materials" />
            </Guard>
          }
        />
        <Route
          path="scorecards/*"
          element={
            <Guard permission="metrics:read">
              <ComingSoon titleKey="nav.scorecards" />
            </Guard>
          }
        />
        <Route
          path="marketing/*"
          element={
            <Guard permission="metrics:read">
              <ComingSoon titleKey="nav.marketing" />
            </Guard>
          }
        />
        <Route
          path="imports"
          element={
            <Guard permission="import:read">
              <ImportPage />
            </Guard>
          }
        />
        <Route
          path="subscribers"
          element={
            <Guard permission="data:read">
              <SubscriberSearchPage />
            </Guard>
          }
        />
        <Route
          path="subscribers/:id"
          element={
            <Guard permission="data:read">
              <SubscriberDetailPage />
            </Guard>
          }
        />
        <Route
          path="explorer"
          element={
            <Guard permission="metrics:read">
              <ExplorerPage />
            </Guard>
          }
        />
        <Route path="admin" element={<Navigate to="/admin/users" replace />} />
        <Route
          path="admin/users"
          element={
            <Guard permission="users:admin">
              <UsersPage />
            </Guard>
          }
        />
        <Route
          path="admin/audit"
          element={
            <Guard permission="audit:read">
              <AuditTrailPage />
            </Guard>
          }
        />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}

export function App() {
  const { i18n } = useTranslation();
  return (
    <ConfigProvider
      locale={i18n.language === 'en-US' ? enUS : zhCN}
      theme={{ token: { colorPrimary: '#1f5fbf' } }}
    >
      <AntApp>
        <AuthProvider>
          <BrowserRouter>
            <AppRoutes />
          </BrowserRouter>
        </AuthProvider>
      </AntApp>
    </ConfigProvider>
  );
}
