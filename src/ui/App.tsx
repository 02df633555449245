export function App() {
  return <h1>RoPE Lab</h1>;
}
