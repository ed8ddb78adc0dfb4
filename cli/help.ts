/** `lpb --help`, `lpb <command> --help` and `lpb <group> --help`. */
import type { Command, Options } from './command';
import { EXIT_SUMMARY } from './exit-codes';

export const GLOBAL_OPTIONS: Options = {
  url: { type: 'string', description: 'API base URL (env LPB_URL; default http://127.0.0.1:3000)' },
  as: { type: 'string', description: 'local runner only: act as this IAM ARN (env LPB_AS); otherwise SigV4' },
  profile: { type: 'string', description: 'AWS profile to sign with (default: AWS_PROFILE, then the usual chain)' },
  region: { type: 'string', description: 'SigV4 Region (default: from the URL, then AWS_REGION)' },
  output: { type: 'string', short: 'o', description: 'text or json (default: text on a terminal, else json)' },
  wait: { type: 'boolean', description: 'follow the request until it takes effect or ends, showing progress' },
  'wait-timeout': { type: 'string', description: 'give up waiting after this many seconds (default 900)' },
  'poll-interval': { type: 'string', description: 'seconds between polls while waiting (default 2)' },
  help: { type: 'boolean', short: 'h', description: 'show help' },
  version: { type: 'boolean', description: 'print the version' },
};

function optionLines(options: Options): string {
  return Object.entries(options)
    .map(([flag, o]) => {
      const name = `${o.short ? `-${o.short}, ` : ''}--${flag}`;
      return `  ${name.padEnd(20)} ${o.description}${o.required ? ' (required)' : ''}`;
    })
    .join('\n');
}

export function helpText(commands: Record<string, Command>, topic = ''): string {
  const command = commands[topic];
  if (command) {
    return `${command.summary}\n\nusage: ${command.usage}\n\n${
      Object.keys(command.options).length > 0 ? `${optionLines(command.options)}\n\n` : ''
    }global options:\n${optionLines(GLOBAL_OPTIONS)}\n`;
  }
  const shown = Object.entries(commands).filter(([name]) => topic === '' || name.startsWith(`${topic} `));
  const list = shown.map(([name, c]) => `  ${name.padEnd(18)} ${c.summary}`).join('\n');
  return `lpb — lambda-permission-broker CLI: ask for, approve, follow and audit time-boxed Lambda grants

usage: lpb ${topic || '<command>'} ${topic ? '<subcommand> ' : ''}[options]     (lpb <command> --help for its options)

commands:
${list}

global options (anywhere on the line):
${optionLines(GLOBAL_OPTIONS)}

${EXIT_SUMMARY}
`;
}
