/** The one structured logger (Powertools). Level from POWERTOOLS_LOG_LEVEL; never log secrets or bodies. */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'lambda-permission-broker' });
