import { RegionsView } from '@/components/regions/regions-view';

export default function RegionsPage() {
  return <RegionsView />;
}
