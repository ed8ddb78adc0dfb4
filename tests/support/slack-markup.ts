/**
 * What the Slack tests assert about rendered messages: requester text can act as no markup. Slack reads `<…>` as a
 * mention or link and backticks as code, so in every mrkdwn text `<` and `>` appear only as entities, every `&`
 * starts an entity, and the only backticks are the broker's own: the request id's inline code in the header and
 * the two fences of the statement block, the closing one last.
 */
export function slackMarkupProblems(message: { text: string; blocks: unknown[] }): string[] {
  return [message.text, ...mrkdwnTexts(message.blocks)].flatMap(textProblems);
}

/** The same rules for one mrkdwn text (a thread reply, say). */
export function textProblems(text: string): string[] {
  const problems: string[] = [];
  const where = JSON.stringify(text.slice(0, 120));
  if (/[<>]/.test(text)) problems.push(`raw < or > in ${where}`);
  if (/&(?!amp;|lt;|gt;)/.test(text)) problems.push(`raw & in ${where}`);
  const backticks = text.split('`').length - 1;
  if (text.startsWith('*Statement*')) {
    const open = text.indexOf('```');
    if (open === -1 || backticks !== 6 || text.indexOf('`', open + 3) !== text.length - 3) {
      problems.push(`a statement code block that requester text can close in ${where}`);
    }
  } else if (backticks !== (text.startsWith('*Lambda grant request* `') ? 2 : 0)) {
    problems.push(`requester backticks in ${where}`);
  }
  return problems;
}

function mrkdwnTexts(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(mrkdwnTexts);
  if (typeof node !== 'object' || node === null) return [];
  const { type, text } = node as { type?: unknown; text?: unknown };
  const own = type === 'mrkdwn' && typeof text === 'string' ? [text] : [];
  return [...own, ...Object.values(node).flatMap(mrkdwnTexts)];
}
