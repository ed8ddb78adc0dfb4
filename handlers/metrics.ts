/**
 * The one Powertools Metrics instance of a Lambda runtime (namespace LambdaPermissionBroker). Its `service` dimension
 * comes from POWERTOOLS_SERVICE_NAME, which the deployment sets per stage, so one stage's alarms never count another's.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';

export const metrics = new Metrics({ namespace: 'LambdaPermissionBroker' });
