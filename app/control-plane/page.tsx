import { ControlPlaneView } from '@/components/control-plane/control-plane-view';

export default function ControlPlanePage() {
  return <ControlPlaneView />;
}
