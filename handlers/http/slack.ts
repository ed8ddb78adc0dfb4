/** Lambda entry point: Slack interactivity (signed button clicks). */
import { lambdaApiHandler } from './lambda-entry';
import { slackInteraction } from './operations/slack';

export const operations = { slackInteraction };
export const handler = lambdaApiHandler(operations);
