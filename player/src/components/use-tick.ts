import { useEffect, useState } from 'react';

/** Re-render every `ms` while mounted (the probe/collector are mutable, so we poll them). */
export function useTick(ms: number): number {
  const [n, setN] = useState(0);
  useEffect(() => {
    const id = setInterval(() => setN((x) => x + 1), ms);
    return () => clearInterval(id);
  }, [ms]);
  return n;
}
