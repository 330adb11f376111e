// PLACEHOLDER-UNWIRED
export const handler = async (): Promise<never> => {
  throw new Error('ingest is not wired yet');
};
