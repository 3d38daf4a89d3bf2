import { createContext, useContext, useEffect, useState } from 'react';
import type { TabApi } from './api';
import type { Translator } from './i18n';
import type { Me } from './types';

export interface TabContext {
  readonly api: TabApi;
  readonly t: Translator;
  readonly me: Me;
  /** The server's clock (the sandbox can move it), estimated from GET /me's `now`. */
  readonly now: () => number;
  /** Re-reads the server's clock (after the sandbox moved it, for instance). */
  readonly resync: () => Promise<void>;
}

export const Ctx = createContext<TabContext | null>(null);

export function useTab(): TabContext {
  const value = useContext(Ctx);
  if (!value) throw new Error('useTab outside the tab');
  return value;
}

/** The server's time, re-read every `everyMs` so countdowns move on their own. */
export function useNow(everyMs = 1000): number {
  const { now } = useTab();
  const [value, setValue] = useState(now);
  useEffect(() => {
    const timer = setInterval(() => setValue(now()), everyMs);
    return () => clearInterval(timer);
  }, [now, everyMs]);
  return value;
}
