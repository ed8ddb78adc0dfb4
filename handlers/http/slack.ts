/** Lambda entry point: Slack interactivity (signed button clicks). */
import { lambdaApp } from '../lambda-app';
import { apiHandler } from './api-handler';
import { slackInteraction } from './operations/slack';

export const operations = { slackInteraction };
export const handler = apiHandler(operations, lambdaApp);
