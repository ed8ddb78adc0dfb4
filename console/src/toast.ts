/** Short messages in the page's live region: screen readers announce them, and they fade after a while. */
import { h } from './dom';

export function toast(message: string, tone: 'ok' | 'error' | 'info' = 'info'): void {
  const region = document.getElementById('toasts');
  if (!region) return;
  const item = h('p', { class: `toast toast-${tone}` }, message);
  region.appendChild(item);
  setTimeout(() => item.remove(), tone === 'error' ? 12_000 : 6_000);
}
