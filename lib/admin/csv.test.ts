import { describe, expect, it } from "vitest";
import { csvLine, decimalAmount, textCell } from "./csv";

describe("csvLine", () => {
  it("quotes only the fields that need it and ends with CRLF", () => {
    expect(csvLine(["a", "b c", ""])).toBe("a,b c,\r\n");
    expect(csvLine(['say "hi"', "x,y", "one\ntwo", "cr\r"])).toBe(
      '"say ""hi""","x,y","one\ntwo","cr\r"\r\n',
    );
  });
});

describe("textCell", () => {
  it("makes a cell a spreadsheet would run as a formula plain text", () => {
    expect(["=SUM(A1)", "+1", "-1", "@cmd", "\tx", "\rx"].map(textCell)).toEqual([
      "'=SUM(A1)",
      "'+1",
      "'-1",
      "'@cmd",
      "'\tx",
      "'\rx",
    ]);
    expect(textCell("a=b")).toBe("a=b");
    expect(textCell(null)).toBe("");
  });

  it("sees a formula behind leading whitespace, which spreadsheets trim before they look", () => {
    expect([" =1+1", "  +1", "\u00a0-1", " \t@cmd", "\n=HYPERLINK(x)"].map(textCell)).toEqual([
      "' =1+1",
      "'  +1",
      "'\u00a0-1",
      "' \t@cmd",
      "'\n=HYPERLINK(x)",
    ]);
    expect(textCell(" plain text")).toBe(" plain text");
    expect(textCell("\nplain")).toBe("'\nplain");
  });
});

describe("decimalAmount", () => {
  it("writes the amount in the currency's unit with its minor digits", () => {
    expect(decimalAmount(2900, "usd")).toBe("29.00");
    expect(decimalAmount(5, "USD")).toBe("0.05");
    expect(decimalAmount(0, "eur")).toBe("0.00");
    expect(decimalAmount(-1250, "usd")).toBe("-12.50");
    expect(decimalAmount(4500, "jpy")).toBe("4500");
    expect(decimalAmount(-7, "krw")).toBe("-7");
    expect(decimalAmount(5, "kwd")).toBe("0.005");
    expect(decimalAmount(9_007_199_254_740_991, "usd")).toBe("90071992547409.91");
  });

  it("refuses an amount that is not a whole number of minor units", () => {
    expect(() => decimalAmount(1.5, "usd")).toThrow(RangeError);
  });
});
