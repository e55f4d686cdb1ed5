/**
 * Minimal typings for @lhncbc/ucum-lhc 7.x, which ships none. Its CommonJS build has no default
 * export, so import the named `UcumLhcUtils` (stack-notes §1).
 */
declare module '@lhncbc/ucum-lhc' {
  export interface UcumConversionResult {
    status: 'succeeded' | 'failed' | 'error';
    toVal: number | null;
    msg: string[];
  }
  export interface UcumValidationResult {
    status: 'valid' | 'invalid' | 'error';
    ucumCode: string | null;
    msg: string[];
  }
  export class UcumLhcUtils {
    static getInstance(): UcumLhcUtils;
    convertUnitTo(
      fromUnitCode: string,
      fromVal: number,
      toUnitCode: string,
      options?: { suggest?: boolean; molecularWeight?: number; charge?: number },
    ): UcumConversionResult;
    validateUnitString(uStr: string, suggest?: boolean, valConv?: string): UcumValidationResult;
  }
}
