/** The landing page: names the product until the demo pages arrive. */
Page({
  data: {
    productName: 'JRTC Miniapp SDK for WeChat',
    tagline: 'Audio rooms on WeChat cloud development',
  },
});
