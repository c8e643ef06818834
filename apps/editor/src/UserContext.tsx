import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react'
import { loadUser, saveUser, type UserIdentity } from './settings'

interface UserValue {
  /** Null until the person has said their name (asked once, then remembered). */
  user: UserIdentity | null
  setName: (name: string) => void
}

const UserContext = createContext<UserValue | null>(null)

export function UserProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<UserIdentity | null>(loadUser)
  const setName = useCallback((name: string) => setUser(saveUser(name)), [])
  const value = useMemo(() => ({ user, setName }), [user, setName])
  return <UserContext.Provider value={value}>{children}</UserContext.Provider>
}

export function useUser(): UserValue {
  const value = useContext(UserContext)
  if (!value) throw new Error('useUser must be used inside <UserProvider>')
  return value
}
