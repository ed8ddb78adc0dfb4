/** Times for people: `2026-11-27 16:30Z (in 59m)`. */
export function shortTime(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')}Z`;
}

export function relative(iso: string, now: number): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  const magnitude = Math.abs(seconds);
  if (magnitude < 5) return 'now';
  const minutes = Math.round(magnitude / 60);
  const text =
    magnitude < 60
      ? `${magnitude}s`
      : minutes < 60
        ? `${minutes}m`
        : minutes < 24 * 60
          ? `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`
          : `${Math.floor(minutes / 1440)}d${Math.round((minutes % 1440) / 60)}h`;
  return seconds >= 0 ? `in ${text}` : `${text} ago`;
}

export function when(iso: string | null | undefined, now: number): string {
  return iso ? `${shortTime(iso)} (${relative(iso, now)})` : '—';
}

/** `3600` → `1h`, `5400` → `1h30m`. */
export function durationText(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const parts = [d && `${d}d`, h && `${h}h`, m && `${m}m`, s && `${s}s`].filter(Boolean);
  return parts.length > 0 ? parts.join('') : '0s';
}
