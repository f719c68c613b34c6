// The licence catalogue record both e-licence (which produces it on issuance) and data sharing (which receives it
// within 2 hours) speak: the column names of a national sharing catalogue (facts §4.3 [C], 2-hour rule §4.6).

// a type alias, not an interface: it is assignable to the contracts' open record (Record<string, unknown>)
export type LicenceCatalogueRecord = {
  certificate_area_code: string;
  certificate_holder: string;
  certificate_holder_code: string;
  /** 持证主体代码类型: 111 ID number, 001 USCC (GB/T 36903 App. A, facts §2.5). */
  certificate_holder_type: string;
  certificate_name: string;
  certificate_number: string;
  /** 电子证照源标识 (GB/T 36904 licence identifier when it has one). */
  certificate_source_id: string;
  certificate_type: string;
  certificate_type_code: string;
  issue_date: string;
  issue_dept: string;
  issue_dept_code: string;
};
