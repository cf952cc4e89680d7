import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { useReference } from '../../app/reference-context';

/** Value of the picker: 'all' (all product lines, stored as product null) or a product code. */
export const ALL_PRODUCTS = 'all';

/** The plan's product in the API: null for all product lines. */
export const productOf = (value: string | null | undefined): string | null =>
  !value || value === ALL_PRODUCTS ? null : value;

/** Product line of a plan: all, or one of the products from /api/reference (BB, BL, PP, PB, FL, MB, TV). */
export function ProductPicker({
  value,
  onChange,
  disabled,
  testId,
}: {
  value?: string;
  onChange?: (value: string) => void;
  disabled?: boolean;
  testId?: string;
}) {
  const { t } = useTranslation();
  const { reference, keyLabel } = useReference();
  return (
    <Select
      aria-label={t('plans.col.product')}
      data-testid={testId}
      value={value ?? ALL_PRODUCTS}
      onChange={onChange}
      disabled={disabled}
      style={{ width: 180 }}
      options={[
        { value: ALL_PRODUCTS, label: t('plans.allProducts') },
        ...(reference?.products ?? []).map((p) => ({
          value: p.code,
          label: keyLabel('product', p.code),
        })),
      ]}
    />
  );
}
