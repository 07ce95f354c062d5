import { createContext, useContext, type ReactNode } from 'react';
import type { Role } from '../../../shared/auth/roles';
import { signOut } from './sign-in';

/** The signed-in person as GET /me tells (role and client from the user table, not from the token). */
export interface Me {
  userId: string;
  email: string;
  name: string;
  role: Role;
  clientId?: string;
}

interface Session {
  me: Me;
  signOut(): void;
}

const SessionContext = createContext<Session | undefined>(undefined);

export function SessionProvider({ me, children }: { me: Me; children: ReactNode }) {
  return <SessionContext.Provider value={{ me, signOut: () => void signOut() }}>{children}</SessionContext.Provider>;
}

/** The signed-in person; only inside the signed-in shell. */
export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession() outside the signed-in shell');
  return s;
}
