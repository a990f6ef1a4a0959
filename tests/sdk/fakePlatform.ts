/**
 * A stand-in for the `wx` lifecycle and network APIs (PlatformLike): the test fires hide, show and
 * network changes by hand, as the mini program runtime would.
 */
import type { PlatformLike } from '../../miniprogram/lib/src/index';

type Listener = () => void;
type NetworkListener = (result: { isConnected: boolean }) => void;
type AnyNetworkListener = NetworkListener | ((result: object) => void);

/** The platform double and its triggers. */
export class FakePlatform implements PlatformLike {
  private hide = new Set<Listener>();
  private show = new Set<Listener>();
  private network = new Set<AnyNetworkListener>();

  onAppHide(listener: Listener): void {
    this.hide.add(listener);
  }
  onAppShow(listener: Listener): void {
    this.show.add(listener);
  }
  offAppHide(listener: Listener): void {
    this.hide.delete(listener);
  }
  offAppShow(listener: Listener): void {
    this.show.delete(listener);
  }
  onNetworkStatusChange(listener: NetworkListener): void {
    this.network.add(listener);
  }
  offNetworkStatusChange(listener: (result: object) => void): void {
    this.network.delete(listener);
  }

  /** Listeners still registered (rooms detach theirs when they end). */
  get listeners(): number {
    return this.hide.size + this.show.size + this.network.size;
  }
  fireHide(): void {
    this.hide.forEach((l) => l());
  }
  fireShow(): void {
    this.show.forEach((l) => l());
  }
  fireNetwork(isConnected: boolean): void {
    this.network.forEach((l) => l({ isConnected }));
  }
}
