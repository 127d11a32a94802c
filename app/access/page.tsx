import { AccessView } from '@/components/access/access-view';

export default function AccessPage() {
  return <AccessView />;
}
