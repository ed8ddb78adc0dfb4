/** The designed states every view shares: loading, empty and error (with the API's own message and a retry). */
import { h } from './dom';

export function loading(what: string): HTMLElement {
  return h(
    'div',
    { class: 'state state-loading', 'aria-busy': 'true' },
    h('span', { class: 'spinner' }),
    `Loading ${what}…`,
  );
}

export function empty(title: string, hint: string): HTMLElement {
  return h('div', { class: 'state state-empty' }, h('p', { class: 'state-title' }, title), h('p', {}, hint));
}

export function failure(title: string, error: unknown, retry?: () => void): HTMLElement {
  const message = error instanceof Error ? error.message : String(error);
  return h(
    'div',
    { class: 'state state-error', role: 'alert' },
    h('p', { class: 'state-title' }, title),
    h('p', { class: 'mono' }, message),
    retry ? h('button', { type: 'button', class: 'button', onclick: retry }, 'Try again') : null,
  );
}
