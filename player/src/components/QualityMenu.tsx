import { useState } from 'react';
import { formatBps, qualityLabel } from '../format.ts';

export function QualityMenu(props: {
  rungs: ReadonlyArray<{ index: number; width: number; height: number; bandwidthBps: number }>;
  auto: boolean;
  currentRung: number | null;
  onSelect: (q: number | 'auto') => void;
}) {
  const [open, setOpen] = useState(false);
  const { rungs, auto, currentRung } = props;
  const current = currentRung !== null ? rungs[currentRung] : undefined;
  const label = auto ? `Auto${current ? ` (${qualityLabel(current.height, current.width)})` : ''}` : current ? qualityLabel(current.height, current.width) : 'Quality';
  const pick = (q: number | 'auto') => {
    props.onSelect(q);
    setOpen(false);
  };
  return (
    <div className="quality" data-testid="quality-menu">
      <button type="button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        {label}
      </button>
      {/* Options stay in the DOM (hidden when closed) so deep links and tests can address them directly. */}
      <ul role="menu" className={open ? 'menu open' : 'menu'}>
        <li>
          <button type="button" role="menuitemradio" aria-checked={auto} data-quality="auto" onClick={() => pick('auto')}>
            Auto
          </button>
        </li>
        {[...rungs].reverse().map((r) => (
          <li key={r.index}>
            <button
              type="button"
              role="menuitemradio"
              aria-checked={!auto && currentRung === r.index}
              data-quality={r.index}
              onClick={() => pick(r.index)}
            >
              {qualityLabel(r.height, r.width)} <small>{formatBps(r.bandwidthBps)}</small>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
