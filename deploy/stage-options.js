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

  return { reservedConcurrency, tableName, alarmTopicArn, alarmEmail };
}

module.exports = { stageOptions };
