import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { Route, Router, Switch, useLocation } from 'wouter';
import { useHashLocation } from 'wouter/use-hash-location';
import { AuthProvider, useMe } from './auth.tsx';
import { LangProvider, useT } from './i18n.tsx';
import { Layout } from './Layout.tsx';
import { PAGES } from './pages/registry.ts';
import { SignIn } from './SignIn.tsx';
import { shell } from './strings.ts';
import './styles.css';

const queries = new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } } });

// The customer's own page (#/customer?token=cct…): reached with a customer token, no staff sign-in.
const Customer = lazy(() => import('./pages/Customer.tsx'));

function Pages() {
  const { me } = useMe();
  const t = useT(shell);
  const [where] = useLocation();
  if (where === '/customer' || where.startsWith('/customer?'))
    return (
      <Suspense fallback={<p role="status">{t.loading}</p>}>
        <Customer />
      </Suspense>
    );
  if (!me) return <SignIn />;
  return (
    <Layout>
      <Suspense fallback={<p role="status">{t.loading}</p>}>
        <Switch>
          {PAGES.map((p) => (
            <Route key={p.id} path={p.path}>
              {p.roles.includes(me.role) ? <p.component /> : <p role="alert">{t.notAllowed}</p>}
            </Route>
          ))}
        </Switch>
      </Suspense>
    </Layout>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queries}>
      <LangProvider>
        <Router hook={useHashLocation}>
          <AuthProvider>
            <Pages />
          </AuthProvider>
        </Router>
      </LangProvider>
    </QueryClientProvider>
  </StrictMode>,
);
