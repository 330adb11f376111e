// asl-validator ships no types; this is the part of its documented API the tests call.
declare module 'asl-validator' {
  interface AslValidation {
    isValid: boolean;
    errors: { message?: string }[];
    errorsText(separator?: string): string;
  }
  const aslValidator: (definition: unknown) => AslValidation;
  export default aslValidator;
}
