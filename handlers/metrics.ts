/** The one Powertools Metrics instance of a Lambda runtime (namespace LambdaPermissionBroker). */
import { Metrics } from '@aws-lambda-powertools/metrics';

export const metrics = new Metrics({ namespace: 'LambdaPermissionBroker', serviceName: 'lambda-permission-broker' });
