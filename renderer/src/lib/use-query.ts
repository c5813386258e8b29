import { useCallback, useEffect, useRef, useState } from 'react';

export interface QueryState<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads data for a view and keeps the last good value while reloading, so live updates never blank
 * the screen or lose the analyst's place.
 */
export function useQuery<T>(load: (() => Promise<T>) | undefined, deps: unknown[]): QueryState<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(false);
  const gen = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const reload = useCallback(() => {
    const fn = loadRef.current;
    if (!fn) return;
    const mine = ++gen.current;
    setLoading(true);
    fn().then(
      (v) => {
        if (mine !== gen.current) return;
        setData(v);
        setError(undefined);
        setLoading(false);
      },
      (e: Error) => {
        if (mine !== gen.current) return;
        setError(e);
        setLoading(false);
      },
    );
  }, []);

  useEffect(() => {
    setData(undefined);
    setError(undefined);
    reload();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  return { data, error, loading, reload };
}
