// PLACEHOLDER-UNWIRED
export const handler = async (): Promise<never> => {
  throw new Error('report is not wired yet');
};
