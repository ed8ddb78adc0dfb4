// Explicit denies that keep the broker from widening itself. The stage parameters grantableFunctions and executionRoles
// default to everything in the account, which includes the broker's own functions and roles: without these statements
// a grant could open the admin function to anyone, a role policy could give a broker role more rights, and an event
// source mapping could feed the work function forged messages. An explicit Deny wins over every Allow.

/** IAM writes that change what a role may do or who may assume it. */
const ROLE_WRITES = [
  'iam:PutRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:AttachRolePolicy',
  'iam:DetachRolePolicy',
  'iam:PutRolePermissionsBoundary',
  'iam:DeleteRolePermissionsBoundary',
  'iam:UpdateAssumeRolePolicy',
];

/** Lambda writes that change who may invoke a function, or what it runs as. */
const FUNCTION_WRITES = [
  'lambda:AddPermission',
  'lambda:RemovePermission',
  'lambda:UpdateFunctionCode',
  'lambda:UpdateFunctionConfiguration',
];

/** Event source mappings name their function in the lambda:FunctionArn condition key, not in the resource. */
const MAPPING_WRITES = [
  'lambda:CreateEventSourceMapping',
  'lambda:UpdateEventSourceMapping',
  'lambda:DeleteEventSourceMapping',
];

// Every role of a broker stack is named lpb-<stage>-<region>-<function> (serverless.yml's rolePrefix); every function
// ${service}-<stage>-<name>. The denies cover every stage's, not only this one's: a prod broker must not be able to
// open a dev stage's admin function either.
const OWN_ROLES = { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/lpb-*' };
const OWN_FUNCTIONS = {
  'Fn::Sub': 'arn:${AWS::Partition}:lambda:*:${AWS::AccountId}:function:${self:service}-*',
};

const DENIES = [
  { Sid: 'DenyWideningOwnRoles', Effect: 'Deny', Action: ROLE_WRITES, Resource: [OWN_ROLES] },
  { Sid: 'DenyWideningOwnFunctions', Effect: 'Deny', Action: FUNCTION_WRITES, Resource: [OWN_FUNCTIONS] },
  {
    Sid: 'DenyMappingsOnOwnFunctions',
    Effect: 'Deny',
    Action: MAPPING_WRITES,
    Resource: ['*'],
    Condition: { ArnLike: { 'lambda:FunctionArn': OWN_FUNCTIONS } },
  },
];

/** Every action a deny statement covers: a role allowed any of them carries all the denies. */
const GUARDED_ACTIONS = new Set([...ROLE_WRITES, ...FUNCTION_WRITES, ...MAPPING_WRITES]);

/** The deny statements for a role holding these Allow statements: all of them if it may do any guarded write. */
function selfProtection(allows) {
  return allows.some((s) => s.Action.some((a) => GUARDED_ACTIONS.has(a))) ? structuredClone(DENIES) : [];
}

module.exports = { selfProtection, GUARDED_ACTIONS };
