/** Lambda entry point: Slack interactivity (signed button clicks and modals) and the `/lpb` slash command. */
import { lambdaApiHandler } from './lambda-entry';
import { slackInteraction } from './operations/slack';
import { slackCommand } from './operations/slack-command';

export const operations = { slackInteraction, slackCommand };
export const handler = lambdaApiHandler(operations);
