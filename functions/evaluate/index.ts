// PLACEHOLDER-UNWIRED
export const handler = async (): Promise<never> => {
  throw new Error('evaluate is not wired yet');
};
