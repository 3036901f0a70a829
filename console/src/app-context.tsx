import { createContext, useContext } from 'react';
import type { MeResponse } from '../../schemas/accounts/me';
import type { Action } from '../../schemas/accounts/roles';
import type { ApiClient } from './api/client';

export interface ConsoleSession {
  api: ApiClient;
  me: MeResponse;
  can: (...actions: Action[]) => boolean;
  signOut: () => void;
}

const SessionContext = createContext<ConsoleSession | null>(null);
export const SessionProvider = SessionContext.Provider;

/** The signed-in user, their organization and permissions, and the API client. */
export function useSession(): ConsoleSession {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in console');
  return session;
}
