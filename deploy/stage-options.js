// The stage parameters that change the template's shape (serverless.yml `params`; docs/deploy.md), read and checked
// once at package time, so the template holds the choice itself rather than conditions on values already known.

/** Reads the parameters through osls's resolveVariable ('param:name'); a bad value stops packaging naming it. */
async function stageOptions(resolveVariable) {
  const param = async (name) => String((await resolveVariable(`param:${name}`)) ?? '').trim();
  const fail = (name, value, expected) => {
    throw new Error(`stage parameter ${name}="${value}": expected ${expected}`);
  };

  const reserved = await param('reservedConcurrency');
  let reservedConcurrency = null;
  if (!['none', '0'].includes(reserved)) {
    if (!/^[1-9]\d*$/.test(reserved)) fail('reservedConcurrency', reserved, 'a whole number ≥ 1, or none');
    reservedConcurrency = Number(reserved);
  }

  const tableName = (await param('tableName')) || null;
  if (tableName && !/^[A-Za-z0-9_.-]{3,255}$/.test(tableName)) fail('tableName', tableName, 'a DynamoDB table name');

  const alarmTopicArn = (await param('alarmTopicArn')) || null;
  if (alarmTopicArn && !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+$/.test(alarmTopicArn)) {
    fail('alarmTopicArn', alarmTopicArn, 'an SNS topic ARN');
  }
  const alarmEmail = (await param('alarmEmail')) || null;
  if (alarmEmail && !/^[^@\s]+@[^@\s]+$/.test(alarmEmail)) fail('alarmEmail', alarmEmail, 'an e-mail address');
  if (alarmEmail && alarmTopicArn) fail('alarmEmail', alarmEmail, 'no e-mail when alarmTopicArn names a topic');

  const auditArchive = (await param('auditArchive')) || 'none';
  if (!['none', 's3'].includes(auditArchive)) fail('auditArchive', auditArchive, 'none or s3');

  const orgId = (await param('orgId')) || null;
  if (orgId && !/^o-[a-z0-9]{10,32}$/.test(orgId))
    fail('orgId', orgId, 'an organization id (o- and 10 to 32 letters and digits)');
  const list = async (name) =>
    (await param(name))
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const targetAccounts = await list('targetAccounts');
  const callerAccounts = await list('callerAccounts');
  for (const account of [...targetAccounts, ...callerAccounts]) {
    if (!/^\d{12}$/.test(account))
      fail(callerAccounts.includes(account) ? 'callerAccounts' : 'targetAccounts', account, '12-digit account ids');
  }
  if (orgId && callerAccounts.length > 0) fail('callerAccounts', callerAccounts.join(','), 'nothing when orgId is set');

  // Lambda names a function <service>-<stage>-<function> in at most 64 characters; role names
  // (lpb-<stage>-<region>-<function>) leave more room, so the function names decide how long a stage name may be.
  const stage = String((await resolveVariable('sls:stage')) ?? '');
  const longest = Math.max(...Object.keys(require('./functions')).map((fn) => fn.length));
  const service = String((await resolveVariable('self:service')) ?? '');
  const room = 64 - service.length - longest - 2;
  if (stage.length > room) {
    throw new Error(
      `stage "${stage}" is ${stage.length} characters: at most ${room} fit Lambda's 64-character function names (${service}-<stage>-<function>)`,
    );
  }

  return {
    reservedConcurrency,
    tableName,
    alarmTopicArn,
    alarmEmail,
    auditArchive,
    orgId,
    // Without an organization: the accounts named, else the target accounts (and the broker's own, always).
    callerAccounts: orgId ? [] : callerAccounts.length > 0 ? callerAccounts : targetAccounts,
  };
}

module.exports = { stageOptions };
