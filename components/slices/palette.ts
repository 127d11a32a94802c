// Distinct colours for VNs: hues spread by the golden angle so neighbours differ.
export function vnColour(index: number, total: number): string {
  if (index < 0) return '#64748b';
  const hue = (index * 137.508) % 360;
  const lightness = total > 24 ? 45 + (index % 3) * 8 : 52;
  return `hsl(${hue.toFixed(1)} 65% ${lightness}%)`;
}
