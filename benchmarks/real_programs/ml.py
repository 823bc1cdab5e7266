"""Machine learning objectives: regression, networks, embeddings, attention."""
import numpy as np
from scipy.special import expit, logsumexp


def logistic_regression(w, b, X, y, l2=1e-2):
    z = X @ w + b
    p = expit(z)
    eps = 1e-12
    nll = -np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))
    return nll + l2 * np.dot(w, w)


def logistic_inputs(rng):
    X = rng.standard_normal((40, 5))
    y = (rng.random(40) < 0.5).astype(float)
    return dict(w=0.1 * rng.standard_normal(5), b=0.0, X=X, y=y)


def softmax_regression(W, b, X, labels):
    logits = X @ W + b
    logits = logits - logits.max(axis=1, keepdims=True)
    log_probs = logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
    n = X.shape[0]
    return -np.sum(log_probs[np.arange(n), labels]) / n


def softmax_inputs(rng):
    return dict(W=0.1 * rng.standard_normal((6, 4)), b=np.zeros(4), X=rng.standard_normal((30, 6)),
                labels=rng.integers(0, 4, 30))


def relu(x):
    return np.maximum(x, 0)


def mlp_cross_entropy(params, X, Y):
    W1, b1, W2, b2 = params
    h = relu(X @ W1 + b1)
    logits = h @ W2 + b2
    logp = logits - logsumexp(logits, axis=1, keepdims=True)
    return -np.sum(Y * logp) / X.shape[0]


def mlp_loss(W1, b1, W2, b2, X, Y):
    return mlp_cross_entropy([W1, b1, W2, b2], X, Y)


def mlp_inputs(rng):
    Y = np.eye(3)[rng.integers(0, 3, 20)]
    return dict(W1=0.5 * rng.standard_normal((4, 8)), b1=0.1 * rng.standard_normal(8),
                W2=0.5 * rng.standard_normal((8, 3)), b2=np.zeros(3), X=rng.standard_normal((20, 4)), Y=Y)


def conv1d(x, w):
    k = len(w)
    n = len(x) - k + 1
    out = np.zeros(n)
    for i in range(n):
        out[i] = np.sum(x[i:i + k] * w)
    return out


def cnn1d_loss(w1, w2, signal, target):
    h = np.tanh(conv1d(signal, w1))
    y = conv1d(h, w2)
    return 0.5 * np.sum((y - target[:len(y)]) ** 2)


def cnn1d_inputs(rng):
    return dict(w1=0.3 * rng.standard_normal(5), w2=0.3 * rng.standard_normal(3), signal=rng.standard_normal(40),
                target=rng.standard_normal(40))


def embedding_bag(E, W, tokens, offsets, labels):
    """Mean of token embeddings per sentence, then a linear classifier."""
    loss = 0.0
    for s in range(len(offsets) - 1):
        ids = tokens[offsets[s]:offsets[s + 1]]
        v = E[ids].mean(axis=0)
        scores = W @ v
        loss += logsumexp(scores) - scores[labels[s]]
    return loss / (len(offsets) - 1)


def embedding_inputs(rng):
    lengths = rng.integers(2, 6, 8)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    return dict(E=0.1 * rng.standard_normal((20, 6)), W=0.1 * rng.standard_normal((3, 6)),
                tokens=rng.integers(0, 20, offsets[-1]), offsets=offsets, labels=rng.integers(0, 3, 8))


def matrix_factorization(U, V, rows, cols, ratings, lam=0.1):
    pred = np.sum(U[rows] * V[cols], axis=1)
    err = ratings - pred
    return np.sum(err ** 2) + lam * (np.sum(U ** 2) + np.sum(V ** 2))


def mf_inputs(rng):
    n_obs = 60
    return dict(U=0.3 * rng.standard_normal((10, 4)), V=0.3 * rng.standard_normal((12, 4)),
                rows=rng.integers(0, 10, n_obs), cols=rng.integers(0, 12, n_obs),
                ratings=rng.uniform(1, 5, n_obs))


def layer_norm(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta


def layernorm_mlp(W, gamma, beta, X, y):
    h = layer_norm(X @ W, gamma, beta)
    h = np.tanh(h)
    return np.mean((h.sum(axis=1) - y) ** 2)


def layernorm_inputs(rng):
    return dict(W=0.5 * rng.standard_normal((5, 8)), gamma=np.ones(8) + 0.1 * rng.standard_normal(8),
                beta=0.1 * rng.standard_normal(8), X=rng.standard_normal((10, 5)), y=rng.standard_normal(10))


def causal_attention(Wq, Wk, Wv, X):
    T, d = X.shape
    Q = X @ Wq
    K = X @ Wk
    V = X @ Wv
    scores = Q @ K.T / np.sqrt(Wq.shape[1])
    mask = np.triu(np.ones((T, T)), k=1).astype(bool)
    scores = np.where(mask, -np.inf, scores)
    scores = scores - np.max(scores, axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights = weights / weights.sum(axis=-1, keepdims=True)
    out = weights @ V
    return np.sum(out ** 2)


def attention_inputs(rng):
    return dict(Wq=0.3 * rng.standard_normal((6, 4)), Wk=0.3 * rng.standard_normal((6, 4)),
                Wv=0.3 * rng.standard_normal((6, 4)), X=rng.standard_normal((7, 6)))


def multihead_attention(W_qkv, W_o, X, n_heads=2):
    T, d = X.shape
    qkv = X @ W_qkv
    q, k, v = np.split(qkv, 3, axis=-1)
    dh = d // n_heads
    q = q.reshape(T, n_heads, dh).transpose(1, 0, 2)
    k = k.reshape(T, n_heads, dh).transpose(1, 0, 2)
    v = v.reshape(T, n_heads, dh).transpose(1, 0, 2)
    att = q @ k.transpose(0, 2, 1) / np.sqrt(dh)
    causal = np.tril(np.ones((T, T)))
    att = att - 1e9 * (1 - causal)[np.newaxis, :, :]
    att = np.exp(att - att.max(axis=-1, keepdims=True))
    att /= att.sum(axis=-1, keepdims=True)
    y = (att @ v).transpose(1, 0, 2).reshape(T, d)
    return np.mean((y @ W_o) ** 2)


def mha_inputs(rng):
    return dict(W_qkv=0.3 * rng.standard_normal((4, 12)), W_o=0.3 * rng.standard_normal((4, 4)),
                X=rng.standard_normal((5, 4)))


def pca_reconstruction(W, X):
    Z = X @ W
    X_hat = Z @ W.T
    return np.linalg.norm(X - X_hat, 'fro') ** 2 / X.shape[0]


def pca_inputs(rng):
    return dict(W=0.3 * rng.standard_normal((6, 2)), X=rng.standard_normal((25, 6)))


def skipgram_negative_sampling(W_in, W_out, centers, contexts, negatives):
    loss = 0.0
    for c, o, negs in zip(centers, contexts, negatives):
        v = W_in[c]
        loss -= np.log(expit(W_out[o] @ v))
        loss -= np.sum(np.log(expit(-W_out[negs] @ v)))
    return loss / len(centers)


def skipgram_inputs(rng):
    return dict(W_in=0.2 * rng.standard_normal((15, 5)), W_out=0.2 * rng.standard_normal((15, 5)),
                centers=rng.integers(0, 15, 12), contexts=rng.integers(0, 15, 12), negatives=rng.integers(0, 15, (12, 3)))


def lstm_sequence_loss(Wx, Wh, b, xs, y):
    H = Wh.shape[0]
    h = np.zeros(H)
    c = np.zeros(H)
    for x in xs:
        gates = Wx @ x + Wh.T @ h + b
        i, f, o, g = np.split(gates, 4)
        i, f, o = expit(i), expit(f), expit(o)
        c = f * c + i * np.tanh(g)
        h = o * np.tanh(c)
    return np.sum((h - y) ** 2)


def lstm_inputs(rng):
    H, D = 3, 2
    return dict(Wx=0.4 * rng.standard_normal((4 * H, D)), Wh=0.4 * rng.standard_normal((H, 4 * H)),
                b=np.zeros(4 * H), xs=rng.standard_normal((6, D)), y=rng.standard_normal(H))


def autoencoder(W_enc, W_dec, X, activation="sigmoid"):
    if activation == "sigmoid":
        Z = 1 / (1 + np.exp(-X @ W_enc))
    elif activation == "relu":
        Z = np.maximum(0, X @ W_enc)
    else:
        Z = np.tanh(X @ W_enc)
    X_rec = Z @ W_dec
    return np.mean(np.square(X - X_rec))


def autoencoder_inputs(rng):
    return dict(W_enc=0.3 * rng.standard_normal((8, 3)), W_dec=0.3 * rng.standard_normal((3, 8)),
                X=rng.standard_normal((15, 8)))



def cnn1d_convolve(w1, w2, signal, target):
    h = np.tanh(np.convolve(signal, w1, mode="valid"))
    y = np.convolve(h, w2, mode="valid")
    return 0.5 * np.sum((y - target[:len(y)]) ** 2)


def ridge_polynomial(coef, x, y, degree=4, lam=1e-3):
    features = np.column_stack([x ** k for k in range(degree + 1)])
    resid = features @ coef - y
    return resid @ resid / len(y) + lam * np.sum(coef[1:] ** 2)


def ridge_inputs(rng):
    x = rng.uniform(-1, 1, 25)
    return dict(coef=0.1 * rng.standard_normal(5), x=x, y=np.cos(2 * x))


PROGRAMS = [
    dict(name="logistic_regression", f=logistic_regression, inputs=logistic_inputs, wrt=("w", "b")),
    dict(name="softmax_regression", f=softmax_regression, inputs=softmax_inputs, wrt=("W", "b")),
    dict(name="mlp_relu_xent", f=mlp_loss, inputs=mlp_inputs, wrt=("W1", "b1", "W2", "b2")),
    dict(name="cnn1d", f=cnn1d_loss, inputs=cnn1d_inputs, wrt=("w1", "w2")),
    dict(name="embedding_bag", f=embedding_bag, inputs=embedding_inputs, wrt=("E", "W")),
    dict(name="matrix_factorization", f=matrix_factorization, inputs=mf_inputs, wrt=("U", "V")),
    dict(name="layernorm_mlp", f=layernorm_mlp, inputs=layernorm_inputs, wrt=("W", "gamma", "beta")),
    dict(name="causal_attention", f=causal_attention, inputs=attention_inputs, wrt=("Wq", "Wk", "Wv")),
    dict(name="multihead_attention", f=multihead_attention, inputs=mha_inputs, wrt=("W_qkv", "W_o")),
    dict(name="pca_reconstruction", f=pca_reconstruction, inputs=pca_inputs, wrt=("W",)),
    dict(name="skipgram_negsampling", f=skipgram_negative_sampling, inputs=skipgram_inputs, wrt=("W_in", "W_out")),
    dict(name="lstm_sequence", f=lstm_sequence_loss, inputs=lstm_inputs, wrt=("Wx", "Wh", "b")),
    dict(name="autoencoder", f=autoencoder, inputs=autoencoder_inputs, wrt=("W_enc", "W_dec")),
    dict(name="cnn1d_convolve", f=cnn1d_convolve, inputs=cnn1d_inputs, wrt=("w1", "w2")),
    dict(name="ridge_polynomial", f=ridge_polynomial, inputs=ridge_inputs, wrt=("coef",)),
]
