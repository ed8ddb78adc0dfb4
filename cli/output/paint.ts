/** Terminal colours: on only when writing to a terminal and NO_COLOR is unset or empty (no-color.org). */
export interface Paint {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  /** A request status in the colour of its meaning. */
  status(status: string): string;
}

const sgr = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;

const STATUS_COLOUR: Record<string, keyof Omit<Paint, 'status' | 'bold' | 'dim'>> = {
  PENDING: 'yellow',
  APPROVED: 'cyan',
  ACTIVE: 'green',
  REJECTED: 'red',
  FAILED: 'red',
  REVOKED: 'red',
};

export function coloursWanted(isTTY: boolean, env: NodeJS.ProcessEnv): boolean {
  return isTTY && !env.NO_COLOR;
}

export function paint(enabled: boolean): Paint {
  const plain = (text: string) => text;
  const colours = {
    bold: enabled ? sgr(1, 22) : plain,
    dim: enabled ? sgr(2, 22) : plain,
    red: enabled ? sgr(31, 39) : plain,
    green: enabled ? sgr(32, 39) : plain,
    yellow: enabled ? sgr(33, 39) : plain,
    cyan: enabled ? sgr(36, 39) : plain,
  };
  return {
    ...colours,
    status: (status) => {
      const colour = STATUS_COLOUR[status];
      return colour ? colours[colour](status) : colours.dim(status);
    },
  };
}

/** The visible width of text that may hold colour codes. */
export function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[\d+m/g, '').length;
}
