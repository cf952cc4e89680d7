import { prepareTemplate } from './db.js';

/** Migrate one template database per run; every test file copies it instead of migrating again. */
export default async function setup(): Promise<void> {
  await prepareTemplate();
}
