// A part of the page that throws while rendering shows what failed in its place, and the rest of the
// page (header, navigation, the other sections, notices) keeps working. A new `resetKey` (another view,
// another experiment) or the button tries again.
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { useLab } from '../LabStoreContext.tsx';
import { selectExperiment } from '../../state/labStore.ts';

interface Props {
  /** What the part is, as the visitor knows it ("RoPE analytics", "the decay view"). */
  name: string;
  resetKey?: unknown;
  children: ReactNode;
}

interface State {
  error: Error | null;
  resetKey: unknown;
}

export class SectionBoundary extends Component<Props, State> {
  override state: State = { error: null, resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    return Object.is(props.resetKey, state.resetKey) ? null : { error: null, resetKey: props.resetKey };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`${this.props.name} failed:`, error, info.componentStack);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    const message = `${error.message || error.name}`.replace(/\s+/g, ' ').slice(0, 300);
    return (
      <div className="section-error" role="alert" data-failed={this.props.name}>
        <p>
          <strong>{this.props.name} stopped working:</strong> <span className="section-error-text">{message}</span>
        </p>
        <button type="button" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </div>
    );
  }
}

/**
 * A boundary that tries again whenever the experiment changes (a view that failed on one experiment may
 * draw the next). Only it re-renders on a change: `children` is the same element, so React skips it.
 */
export function ExperimentBoundary({ name, children }: { name: string; children: ReactNode }) {
  const experiment = useLab(selectExperiment);
  return (
    <SectionBoundary name={name} resetKey={experiment}>
      {children}
    </SectionBoundary>
  );
}
