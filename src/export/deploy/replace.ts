/**
 * @module export/deploy/replace
 * MSK Connect has no update for a custom plugin or a worker configuration,
 * nor for the plugin or worker configuration a connector runs: a changed
 * one is a new resource, named after its content so that the next deploy
 * finds it again, and each connector using it is deleted and created anew.
 */
import { createHash } from 'node:crypto';
import { propertiesText, type DeploymentModel } from '../model';

/** `base-1a2b3c4d`: the name of the resource made for `content`, the same on every deploy. */
export function contentName(base: string, content: string): string {
  return `${base}-${createHash('sha256').update(content).digest('hex').slice(0, 8)}`;
}

export const pluginContent = (p: DeploymentModel['plugins'][number]): string =>
  `${p.bucketArn}\n${p.fileKey}`;

export const workerContent = (w: DeploymentModel['workerConfigurations'][number]): string =>
  propertiesText(w);
