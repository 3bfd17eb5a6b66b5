import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, type ReactNode } from 'react';
import { api, session } from './api.ts';

export type { Me } from '../../src/api/contract/index.ts';
import type { Me } from '../../src/api/contract/index.ts';
const Ctx = createContext<{ me: Me | null; signOut: () => void }>({ me: null, signOut: () => undefined });

/** Who is signed in (from the server, never from the token's text), and signing out. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const token = session.get();
  const me = useQuery({
    queryKey: ['me', token],
    queryFn: () => api<Me>('/v1/me'),
    enabled: !!token,
    retry: false,
    staleTime: 60_000,
  });
  const signOut = () => {
    session.clear();
    qc.clear();
    location.hash = '#/';
    location.reload();
  };
  return (
    <Ctx.Provider value={{ me: token && me.data ? me.data : null, signOut }}>
      {me.isLoading ? null : children}
    </Ctx.Provider>
  );
}

export const useMe = () => useContext(Ctx);
