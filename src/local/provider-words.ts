/**
 * What a cloud provider lacks, said for a terminal: the variables to export and the cloud's own sign-in command.
 * The facts are core/providers.ts's.
 */
import type { CloudProvider, MissingSetting } from '../core/providers.js';

/** How a user sets, in their shell, what the provider lacks. */
export function howToSet(missing: MissingSetting): string {
  switch (missing.kind) {
    case 'aws-region':
      return 'export AWS_REGION (e.g. export AWS_REGION=us-east-1): Claude Code does not read it from ~/.aws/config';
    case 'aws-credentials':
      return 'sign in first: aws sso login (and export AWS_PROFILE), or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
    case 'vertex-project':
      return `export ${missing.absent.length === 1 ? 'it' : 'them'} in your shell`;
    case 'google-credentials':
      return (
        'sign in first: gcloud auth application-default login, then export GOOGLE_APPLICATION_CREDENTIALS with the ' +
        'file it wrote (~/.config/gcloud/application_default_credentials.json)'
      );
    case 'foundry-endpoint':
      return (
        'export one: ANTHROPIC_FOUNDRY_RESOURCE, the resource name (<resource> in ' +
        'https://<resource>.services.ai.azure.com), or ANTHROPIC_FOUNDRY_BASE_URL, the whole base URL ending in /anthropic'
      );
  }
}

/** What to check when the provider turned the user's credentials down. */
export const AUTH_HINTS: Readonly<Record<CloudProvider, string>> = {
  bedrock:
    'check that your AWS identity (aws sts get-caller-identity) may call bedrock:InvokeModel and ' +
    'bedrock:InvokeModelWithResponseStream on the model in AWS_REGION, and sign in again (aws sso login) if it expired',
  vertex:
    'check that the account of gcloud auth application-default login has roles/aiplatform.user in ' +
    'ANTHROPIC_VERTEX_PROJECT_ID and that the model is enabled in the Model Garden',
  foundry: 'check ANTHROPIC_FOUNDRY_API_KEY, or your Entra ID sign-in (az login) and its role on the Foundry resource',
};
